-- The audit trail's head follows every appended event, so appending is one statement
-- after reading the head instead of two.
CREATE TRIGGER audit_event_moves_head AFTER INSERT ON audit_event
BEGIN
    UPDATE audit_head SET last_seq = NEW.seq, last_chain_hash = NEW.chain_hash WHERE id = 1;
END;
