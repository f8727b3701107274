-- One action, one transaction: the outbox learns priorities and de-duplication, and every
-- posted copy of a case card is remembered, so that all of them are kept in step.

-- priority: 0 a confirmation somebody waits for, 1 notifications and cards, 2 bulk messages.
-- dedupe:   a keyed name for a message that must exist at most once while it waits (a
--           confirmation, one refresh of a card). NULL for ordinary messages.
-- version:  bumped when a waiting message is asked for again; the sender deletes the row only
--           if nobody asked again while it was being sent.
ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 1;
ALTER TABLE outbox ADD COLUMN dedupe TEXT;
ALTER TABLE outbox ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX outbox_dedupe ON outbox (dedupe);

-- Every copy of a case card that is live (has buttons). A second copy in the same chat retires
-- the older one (its buttons are removed), so copies never disagree.
CREATE TABLE card_copies (
    report_id   INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    chat_key    TEXT NOT NULL,              -- 'group' or the moderator's pseudonym
    chat_id_enc BLOB NOT NULL,              -- sealed chat id, bound to chat_key
    message_id  INTEGER NOT NULL,
    PRIMARY KEY (report_id, chat_key, message_id)
) WITHOUT ROWID;
INSERT INTO card_copies (report_id, chat_key, chat_id_enc, message_id)
    SELECT report_id, chat_key, chat_id_enc, message_id FROM report_cards;
DROP TABLE report_cards;
