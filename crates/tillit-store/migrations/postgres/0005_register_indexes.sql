-- The systems list (filter by kind, search, 50 per page in name order) walks one of
-- these indexes in name order. Each also holds the search text, so the page's ids and
-- the count are found without reading the table; only the page's own rows are read.
-- They replace the narrower indexes on (organisation_id, name) and (organisation_id, kind).
DROP INDEX information_system_organisation_name_idx;
DROP INDEX information_system_organisation_kind_idx;
CREATE INDEX information_system_list_name_idx ON information_system (organisation_id, name, id, search_name);
CREATE INDEX information_system_list_kind_idx ON information_system (organisation_id, kind, name, id, search_name);
