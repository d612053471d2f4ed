-- The audit trail's head follows every appended event, so appending is one statement
-- after reading the head instead of two.
CREATE FUNCTION audit_event_moves_head() RETURNS trigger AS $$
BEGIN
    UPDATE audit_head SET last_seq = NEW.seq, last_chain_hash = NEW.chain_hash WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_event_moves_head AFTER INSERT ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_moves_head();
