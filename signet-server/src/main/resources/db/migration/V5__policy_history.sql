-- Every policy version the server used (docs/policy.md). Append-only: the first insert of a
-- version wins and is never changed.

CREATE TABLE policy_versions (
  version CHAR(71) NOT NULL PRIMARY KEY,
  canonical_json TEXT NOT NULL,
  loaded_from VARCHAR(1024) NOT NULL,
  loaded_at TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX policy_versions_loaded ON policy_versions (loaded_at);
