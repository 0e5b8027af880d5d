-- Server metadata and admin tokens. Portable between H2 (MODE=PostgreSQL) and PostgreSQL:
-- plain types only, no sequences, identities or engine-specific defaults. Later work adds its
-- tables as V2+ migrations in this directory.

CREATE TABLE server_metadata (
  name VARCHAR(64) NOT NULL PRIMARY KEY,
  val VARCHAR(1024) NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE admin_tokens (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  token_sha256 CHAR(64) NOT NULL UNIQUE,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  revoked_at TIMESTAMP WITH TIME ZONE
);
