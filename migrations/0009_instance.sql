-- Facts about this installation, one row each. 'key_check' is a keyed digest of a constant
-- under SECRET_KEY: it tells whether a key (or a backup being restored) belongs to this
-- database without storing anything that would help guess the key.
CREATE TABLE instance (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
