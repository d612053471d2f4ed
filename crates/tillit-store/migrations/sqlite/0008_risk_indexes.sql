-- The risk overview and risk lists at the size of a large region (tens of thousands of
-- risks) read indexes instead of the risk rows, whose texts make them large.
--
-- risk_largest_idx holds the order "largest first" (level, likelihood × consequence,
-- consequence, id), so a page of risks of one level, and the five largest risks still
-- being dealt with, are read from the front of the index without sorting; its trailing
-- columns let the counts and the status filter skip the table. It replaces
-- risk_organisation_rank_idx (organisation_id, level_rank, status).
--
-- risk_untreated_idx holds only the risks without a decided treatment, in the same
-- order, for the management view of serious risks nobody has decided on.
--
-- risk_residual_position_idx groups the risks by their expected residual position
-- (the assessed one while no measure promises better) for the residual heat map.
DROP INDEX risk_organisation_rank_idx;
CREATE INDEX risk_largest_idx ON risk (organisation_id, level_rank DESC, (likelihood * consequence) DESC, consequence DESC, id, analysis_id, status, treatment);
CREATE INDEX risk_untreated_idx ON risk (organisation_id, level_rank DESC, (likelihood * consequence) DESC, consequence DESC, id, analysis_id) WHERE treatment IS NULL;
CREATE INDEX risk_residual_position_idx ON risk (organisation_id, (COALESCE(residual_likelihood, likelihood)), (COALESCE(residual_consequence, consequence)), residual_likelihood, residual_consequence, likelihood, consequence);
