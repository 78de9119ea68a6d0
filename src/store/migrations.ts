/**
 * Schema migrations, applied in order and tracked with `PRAGMA user_version`.
 * Never edit a shipped migration: add a new one so older files upgrade in place.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const migrations: Migration[] = [
  {
    version: 1,
    description: 'studies, questions, participants, interviews, answers, quotes, themes, full-text index',
    sql: `
CREATE TABLE studies (
  id                   INTEGER PRIMARY KEY,
  name                 TEXT NOT NULL,
  decision             TEXT,
  description          TEXT,
  mode                 TEXT NOT NULL CHECK (mode IN ('exploratory', 'hybrid', 'structured')),
  probing_depth        INTEGER NOT NULL CHECK (probing_depth BETWEEN 0 AND 3),
  participant_criteria TEXT,
  created_at           TEXT NOT NULL,
  updated_at           TEXT NOT NULL
);

CREATE TABLE questions (
  id             INTEGER PRIMARY KEY,
  study_id       INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
  key            TEXT NOT NULL,
  type           TEXT NOT NULL CHECK (type IN ('open_ended', 'scale', 'single_choice', 'multiple_choice', 'ranking', 'yes_no')),
  text           TEXT NOT NULL,
  options        TEXT,            -- JSON array of option labels (choice and ranking types)
  scale_min      REAL,
  scale_max      REAL,
  min_label      TEXT,
  max_label      TEXT,
  max_selections INTEGER,
  required       INTEGER NOT NULL DEFAULT 0,
  probing_depth  INTEGER,
  position       INTEGER NOT NULL,
  created_at     TEXT NOT NULL,
  UNIQUE (study_id, key)
);

-- The study's attribute catalogue: one row per CRM column ever imported, with its inferred type.
CREATE TABLE study_attributes (
  study_id INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
  name     TEXT NOT NULL,
  type     TEXT NOT NULL CHECK (type IN ('number', 'boolean', 'date', 'category', 'text')),
  position INTEGER NOT NULL,
  PRIMARY KEY (study_id, name)
) WITHOUT ROWID;

CREATE TABLE participants (
  id          INTEGER PRIMARY KEY,
  study_id    INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
  external_id TEXT NOT NULL,
  email       TEXT,
  name        TEXT,
  attributes  TEXT NOT NULL DEFAULT '{}',  -- JSON object of typed values, keyed by attribute name (JSONB since version 3)
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  UNIQUE (study_id, external_id)
);

CREATE TABLE participant_tags (
  participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
  tag            TEXT NOT NULL,
  PRIMARY KEY (participant_id, tag)
) WITHOUT ROWID;
CREATE INDEX participant_tags_by_tag ON participant_tags (tag, participant_id);

-- One interview per participant: re-recording updates it.
CREATE TABLE interviews (
  id               INTEGER PRIMARY KEY,
  participant_id   INTEGER NOT NULL UNIQUE REFERENCES participants(id) ON DELETE CASCADE,
  status           TEXT NOT NULL CHECK (status IN ('completed', 'partial')),
  interviewed_at   TEXT NOT NULL,
  transcript       TEXT,
  transcript_turns TEXT,          -- JSON [{speaker, text}] when given as turns
  notes            TEXT,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL
);
CREATE INDEX interviews_by_status ON interviews (status, participant_id);

-- One answer per participant and question. value holds a number (scale, yes_no as 0/1),
-- text (single_choice, open_ended) or a JSON array (multiple_choice, ranking).
CREATE TABLE answers (
  id             INTEGER PRIMARY KEY,
  participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
  question_id    INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
  value          ANY NOT NULL,
  answered_at    TEXT NOT NULL,
  UNIQUE (participant_id, question_id)
);
-- Covering index for per-question distributions and crosstabs (see the store notes in README).
CREATE INDEX answers_by_question ON answers (question_id, participant_id, value);

CREATE TABLE quotes (
  id             INTEGER PRIMARY KEY,
  participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
  question_id    INTEGER REFERENCES questions(id) ON DELETE SET NULL,
  text           TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  UNIQUE (participant_id, text)
);

CREATE TABLE themes (
  id          INTEGER PRIMARY KEY,
  study_id    INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
  code        TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  UNIQUE (study_id, code)
);

-- A theme observed in a participant, with the words that show it.
CREATE TABLE theme_evidence (
  id             INTEGER PRIMARY KEY,
  theme_id       INTEGER NOT NULL REFERENCES themes(id) ON DELETE CASCADE,
  participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
  question_id    INTEGER REFERENCES questions(id) ON DELETE SET NULL,
  quote_id       INTEGER REFERENCES quotes(id) ON DELETE CASCADE,
  evidence       TEXT NOT NULL DEFAULT '',
  created_at     TEXT NOT NULL,
  UNIQUE (theme_id, participant_id, evidence)
);
CREATE INDEX theme_evidence_by_participant ON theme_evidence (participant_id, theme_id);

-- Full-text index over what participants said. rowid = source id * 4 + kind, so each source
-- row maps to exactly one index row and triggers can replace it cheaply.
-- kind: 0 transcript, 1 interview notes, 2 open-ended answer, 3 quote.
CREATE VIRTUAL TABLE said USING fts5 (
  text,
  kind UNINDEXED,
  participant_id UNINDEXED,
  tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER interviews_said_insert AFTER INSERT ON interviews BEGIN
  INSERT INTO said (rowid, text, kind, participant_id)
    SELECT new.id * 4, new.transcript, 'transcript', new.participant_id WHERE new.transcript IS NOT NULL;
  INSERT INTO said (rowid, text, kind, participant_id)
    SELECT new.id * 4 + 1, new.notes, 'notes', new.participant_id WHERE new.notes IS NOT NULL;
END;
CREATE TRIGGER interviews_said_update AFTER UPDATE OF transcript, notes ON interviews BEGIN
  DELETE FROM said WHERE rowid IN (old.id * 4, old.id * 4 + 1);
  INSERT INTO said (rowid, text, kind, participant_id)
    SELECT new.id * 4, new.transcript, 'transcript', new.participant_id WHERE new.transcript IS NOT NULL;
  INSERT INTO said (rowid, text, kind, participant_id)
    SELECT new.id * 4 + 1, new.notes, 'notes', new.participant_id WHERE new.notes IS NOT NULL;
END;
CREATE TRIGGER interviews_said_delete AFTER DELETE ON interviews BEGIN
  DELETE FROM said WHERE rowid IN (old.id * 4, old.id * 4 + 1);
END;

CREATE TRIGGER answers_said_insert AFTER INSERT ON answers
  WHEN (SELECT type FROM questions WHERE id = new.question_id) = 'open_ended' BEGIN
  INSERT INTO said (rowid, text, kind, participant_id) VALUES (new.id * 4 + 2, new.value, 'answer', new.participant_id);
END;
CREATE TRIGGER answers_said_update AFTER UPDATE OF value ON answers
  WHEN (SELECT type FROM questions WHERE id = new.question_id) = 'open_ended' BEGIN
  DELETE FROM said WHERE rowid = old.id * 4 + 2;
  INSERT INTO said (rowid, text, kind, participant_id) VALUES (new.id * 4 + 2, new.value, 'answer', new.participant_id);
END;
CREATE TRIGGER answers_said_delete AFTER DELETE ON answers BEGIN
  DELETE FROM said WHERE rowid = old.id * 4 + 2;
END;

CREATE TRIGGER quotes_said_insert AFTER INSERT ON quotes BEGIN
  INSERT INTO said (rowid, text, kind, participant_id) VALUES (new.id * 4 + 3, new.text, 'quote', new.participant_id);
END;
CREATE TRIGGER quotes_said_delete AFTER DELETE ON quotes BEGIN
  DELETE FROM said WHERE rowid = old.id * 4 + 3;
END;
`,
  },
  {
    version: 2,
    description: 'segmentations, their segments and members',
    sql: `
-- A stored segmentation: k-means (with its encoding, so new participants can be scored),
-- rules (first match or overlapping) or RFM. parameters keeps the call that made it.
CREATE TABLE segmentations (
  id          INTEGER PRIMARY KEY,
  study_id    INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
  method      TEXT NOT NULL CHECK (method IN ('kmeans', 'rules', 'rfm')),
  k           INTEGER NOT NULL,
  overlapping INTEGER NOT NULL DEFAULT 0,
  parameters  TEXT NOT NULL,   -- JSON
  encoding    TEXT,            -- JSON Encoding: k-means features, or the profile features of rules
  diagnostics TEXT,            -- JSON: per-k table, recommendation, stability (k-means)
  summary     TEXT NOT NULL,   -- JSON: warnings, excluded and unassigned participants, notes
  prioritization TEXT,         -- JSON: the latest prioritize_segments matrix
  created_at  TEXT NOT NULL
);
CREATE INDEX segmentations_by_study ON segmentations (study_id, id);

CREATE TABLE segments (
  segmentation_id INTEGER NOT NULL REFERENCES segmentations(id) ON DELETE CASCADE,
  segment_id      INTEGER NOT NULL,  -- 1-based; k-means numbers the largest first
  name            TEXT,
  description     TEXT,
  persona         TEXT,
  playbook        TEXT,              -- JSON {product, marketing, sales, customer_success}
  definition      TEXT NOT NULL,     -- JSON: centre in encoded units (k-means) or conditions (rules)
  profile         TEXT NOT NULL,     -- JSON: profile, distinguishing features, representatives at creation
  updated_at      TEXT NOT NULL,
  PRIMARY KEY (segmentation_id, segment_id)
) WITHOUT ROWID;

CREATE TABLE segment_members (
  segmentation_id INTEGER NOT NULL REFERENCES segmentations(id) ON DELETE CASCADE,
  participant_id  INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
  segment_id      INTEGER NOT NULL,
  distance        REAL,              -- k-means: distance to the segment centre (encoded units)
  detail          TEXT,              -- JSON: e.g. RFM scores
  assigned_by     TEXT NOT NULL DEFAULT 'fit' CHECK (assigned_by IN ('fit', 'assign')),
  PRIMARY KEY (segmentation_id, participant_id, segment_id)
) WITHOUT ROWID;
CREATE INDEX segment_members_by_segment ON segment_members (segmentation_id, segment_id, participant_id);
CREATE INDEX segment_members_by_participant ON segment_members (participant_id);
`,
  },
  {
    version: 3,
    description: 'participant attributes stored as JSONB',
    sql: `
-- SQLite's binary JSON: json_extract reads one attribute without parsing the whole object
-- (~5× faster over 100k participants), which every crosstab, filter and summary by attribute does.
-- Read the object back with json(attributes); write with jsonb(?) or jsonb_patch.
UPDATE participants SET attributes = jsonb(attributes);
`,
  },
  {
    version: 4,
    description: 'API tokens, the audit log, and full-text deletes that leave no trace in the index',
    sql: `
-- Bearer tokens for people and agents (seglab token create). Only a SHA-256 of the token is kept:
-- tokens are 256 random bits, so a fast hash is enough and a copy of the file reveals none.
CREATE TABLE IF NOT EXISTS api_tokens (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL,
  role         TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'owner')),
  studies      TEXT,            -- JSON array of study ids the token is limited to; NULL for all
  token_hash   TEXT NOT NULL UNIQUE,
  created_at   TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at   TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS api_tokens_active_name ON api_tokens (name) WHERE revoked_at IS NULL;

-- Who changed what: one row per successful write. No foreign key: the record outlives the study.
CREATE TABLE IF NOT EXISTS audit_log (
  id         INTEGER PRIMARY KEY,
  at         TEXT NOT NULL,
  actor      TEXT NOT NULL,   -- token name, OAuth subject, or local
  actor_kind TEXT NOT NULL CHECK (actor_kind IN ('local', 'token', 'oauth')),
  role       TEXT NOT NULL,
  tool       TEXT NOT NULL,
  study_id   INTEGER,
  arguments  TEXT NOT NULL    -- JSON summary (domain/audit-summary.ts)
);
CREATE INDEX IF NOT EXISTS audit_log_by_study ON audit_log (study_id, at);
CREATE INDEX IF NOT EXISTS audit_log_by_time ON audit_log (at);

-- FTS5 keeps a deleted row's words in its index segments until a merge; secure-delete removes
-- them at once, so an erased participant leaves nothing in the said_data shadow table.
INSERT INTO said (said, rank) VALUES ('secure-delete', 1);
`,
  },
  {
    version: 5,
    description: 'segments predicted by the CRM typing model',
    sql: `
-- assign_participants method "crm_model": each participant's segment as the CRM typing model predicts
-- it from attributes and tags (members too, for comparison), with the leaf's purity as confidence.
-- Kept apart from segment_members, which holds observed membership: analyses of a segment read only
-- the members, exports and sizing across the base read both.
CREATE TABLE IF NOT EXISTS segment_predictions (
  segmentation_id INTEGER NOT NULL REFERENCES segmentations(id) ON DELETE CASCADE,
  participant_id  INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
  segment_id      INTEGER NOT NULL,
  confidence      REAL NOT NULL,
  PRIMARY KEY (segmentation_id, participant_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS segment_predictions_by_participant ON segment_predictions (participant_id);
`,
  },
  {
    version: 6,
    description: 'attribute formats, multiple-choice minimum selections, the database id',
    sql: `
-- How an attribute's values are written and shown: JSON {unit: '%' | 'USD'…, decimal: ',', dates: 'mdy' | 'dmy'}; null for plain.
ALTER TABLE study_attributes ADD COLUMN format TEXT;
-- multiple_choice: the fewest options an answer selects (null: an empty answer, "none of these", is allowed).
ALTER TABLE questions ADD COLUMN min_selections INTEGER;
-- A random id per database: its reports folder is named after it, so two databases never share one.
CREATE TABLE database_info (id TEXT NOT NULL);
INSERT INTO database_info (id) VALUES (lower(hex(randomblob(6))));
`,
  },
  {
    version: 7,
    description: 'what participants said, also indexed in bounded chunks for snippets',
    sql: saidChunksMigration(),
  },
  {
    version: 8,
    description: 'segment cards stored with their segmentation, and a data version per study telling when they are stale',
    sql: segmentCardsMigration(),
  },
];

export const latestSchemaVersion = migrations[migrations.length - 1]!.version;

/**
 * Version 8. get_segmentation showed each segment's persona card rebuilt from every member's data on
 * every page (27–30 s a page at 1M members); the cards are now built when a segmentation is saved and
 * kept with it. A card depends on the members' current data, so each study counts its data changes
 * (data_version, raised by every write that touches participants, answers, themes, questions,
 * attributes or memberships) and a segmentation records the count its cards were built at
 * (cards_version): cards built at an older count are rebuilt on the next read. export_segments' totals
 * (participants, without an e-mail), counted over every member on the first page, are kept the same way,
 * and so are the counts list_studies shows per study (participants, interviews, tags).
 */
function segmentCardsMigration(): string {
  return `
ALTER TABLE studies ADD COLUMN data_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE segmentations ADD COLUMN cards_version INTEGER;     -- the study's data_version the cards were built at
ALTER TABLE segmentations ADD COLUMN cards_population INTEGER;  -- participants the cards' shares are of
ALTER TABLE segments ADD COLUMN card TEXT;                      -- JSON persona card without name and narrative (those are read live)
ALTER TABLE segmentations ADD COLUMN export_totals TEXT;        -- JSON {version, members, with_predicted}: export totals at a data version
ALTER TABLE studies ADD COLUMN list_facts TEXT;                 -- JSON {version, counts, tags}: list_studies' counts at a data version
`;
}

/**
 * Version 7. FTS5's snippet() scores every window of a row against every hit in it, so its cost grows
 * with the square of the hits in one document (50,000 hits took 11 s, and blocked every other call).
 * `said` keeps matching whole documents (the query language's AND, NOT and phrases keep their
 * meaning); `said_chunks` holds the texts longer than 2,500 characters cut into windows of 2,000 that
 * overlap by 500 (a phrase up to 500 characters long sits whole in one of them), and snippets are
 * taken from one window. Shorter texts (most answers, quotes, notes) have no windows: their snippets
 * read them whole, at a bounded cost, and the index does not hold them twice. rowid = document key (the source id * 4 + kind, as in `said`) * 1024 + the window's
 * number: a document's windows are one rowid range, which FTS5 seeks directly. Windows start after the
 * first space of their first 64 characters so they rarely begin inside a word; documents longer than
 * 1024 windows (~2 MB, above the transcript limit) keep only their first 1024.
 */
function saidChunksMigration(): string {
  const chunk = 2000;
  const overlap = 500;
  const windows = 1024;
  /** The windows of `text` (an expression of the trigger's row) under document key `key`. */
  const insert = (key: string, text: string, when = `${text} IS NOT NULL`) => `
  INSERT INTO said_chunks (rowid, text)
    SELECT (${key}) * ${windows} + n,
           CASE WHEN n = 0 THEN substr(${text}, 1, ${chunk + overlap})
                ELSE substr(${text}, n * ${chunk} + 1 + instr(substr(${text}, n * ${chunk} + 1, 64), ' '), ${chunk + overlap}) END
      FROM said_chunk_numbers
     WHERE ${when} AND n <= (SELECT CASE WHEN length(${text}) > ${chunk + overlap} THEN (length(${text}) - 1) / ${chunk} ELSE -1 END);`;
  const remove = (key: string) => `
  DELETE FROM said_chunks WHERE rowid BETWEEN (${key}) * ${windows} AND (${key}) * ${windows} + ${windows - 1};`;
  return `
-- 0 … 1023: the window numbers a document's chunks are made from (triggers cannot use a recursive WITH).
CREATE TABLE said_chunk_numbers (n INTEGER PRIMARY KEY);
WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n < ${windows - 1}) INSERT INTO said_chunk_numbers SELECT n FROM k;

CREATE VIRTUAL TABLE said_chunks USING fts5 (text, tokenize = 'porter unicode61 remove_diacritics 2');
INSERT INTO said_chunks (said_chunks, rank) VALUES ('secure-delete', 1);

CREATE TRIGGER interviews_said_chunks_insert AFTER INSERT ON interviews BEGIN${insert('new.id * 4', 'new.transcript')}${insert('new.id * 4 + 1', 'new.notes')}
END;
CREATE TRIGGER interviews_said_chunks_transcript AFTER UPDATE OF transcript ON interviews
  WHEN old.transcript IS NOT new.transcript BEGIN${remove('old.id * 4')}${insert('new.id * 4', 'new.transcript')}
END;
CREATE TRIGGER interviews_said_chunks_notes AFTER UPDATE OF notes ON interviews
  WHEN old.notes IS NOT new.notes BEGIN${remove('old.id * 4 + 1')}${insert('new.id * 4 + 1', 'new.notes')}
END;
CREATE TRIGGER interviews_said_chunks_delete AFTER DELETE ON interviews BEGIN${remove('old.id * 4')}${remove('old.id * 4 + 1')}
END;

CREATE TRIGGER answers_said_chunks_insert AFTER INSERT ON answers
  WHEN (SELECT type FROM questions WHERE id = new.question_id) = 'open_ended' BEGIN${insert('new.id * 4 + 2', 'new.value', 'TRUE')}
END;
CREATE TRIGGER answers_said_chunks_update AFTER UPDATE OF value ON answers
  WHEN (SELECT type FROM questions WHERE id = new.question_id) = 'open_ended' BEGIN${remove('old.id * 4 + 2')}${insert('new.id * 4 + 2', 'new.value', 'TRUE')}
END;
CREATE TRIGGER answers_said_chunks_delete AFTER DELETE ON answers BEGIN${remove('old.id * 4 + 2')}
END;

CREATE TRIGGER quotes_said_chunks_insert AFTER INSERT ON quotes BEGIN${insert('new.id * 4 + 3', 'new.text', 'TRUE')}
END;
CREATE TRIGGER quotes_said_chunks_delete AFTER DELETE ON quotes BEGIN${remove('old.id * 4 + 3')}
END;

-- Existing texts, from the whole-document index (same rowids, same texts).
INSERT INTO said_chunks (rowid, text)
  SELECT s.rowid * ${windows} + n,
         CASE WHEN n = 0 THEN substr(s.text, 1, ${chunk + overlap})
              ELSE substr(s.text, n * ${chunk} + 1 + instr(substr(s.text, n * ${chunk} + 1, 64), ' '), ${chunk + overlap}) END
    FROM said s JOIN said_chunk_numbers ON n <= (length(s.text) - 1) / ${chunk}
   WHERE length(s.text) > ${chunk + overlap};
`;
}
