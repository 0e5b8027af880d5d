-- Custody keys (docs/custody.md). A key row's revision is the compare-and-set guard of every
-- change; versions are inserted once (their key material never changes, only the state columns);
-- each change writes one event whose seq is the key's new revision, in the same transaction.
-- sealed holds the private key sealed under the master key (AES-256-GCM): useless without it.

CREATE TABLE custody_keys (
  project VARCHAR(128) NOT NULL,
  name VARCHAR(128) NOT NULL,
  algorithm VARCHAR(16) NOT NULL,
  kind VARCHAR(16) NOT NULL,
  current_version INTEGER NOT NULL,
  revision BIGINT NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (project, name)
);

CREATE TABLE custody_versions (
  project VARCHAR(128) NOT NULL,
  name VARCHAR(128) NOT NULL,
  version INTEGER NOT NULL,
  algorithm VARCHAR(16) NOT NULL,
  kind VARCHAR(16) NOT NULL,
  spki BYTEA NOT NULL,
  sealed BYTEA,
  hsm_reference VARCHAR(1024),
  state VARCHAR(16) NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  retired_at TIMESTAMP WITH TIME ZONE,
  revoked_at TIMESTAMP WITH TIME ZONE,
  PRIMARY KEY (project, name, version),
  FOREIGN KEY (project, name) REFERENCES custody_keys (project, name)
);

CREATE TABLE custody_events (
  project VARCHAR(128) NOT NULL,
  name VARCHAR(128) NOT NULL,
  seq BIGINT NOT NULL,
  event_type VARCHAR(16) NOT NULL,
  version INTEGER NOT NULL,
  algorithm VARCHAR(16) NOT NULL,
  kind VARCHAR(16) NOT NULL,
  thumbprint VARCHAR(128) NOT NULL,
  event_at TIMESTAMP WITH TIME ZONE NOT NULL,
  effective_at TIMESTAMP WITH TIME ZONE,
  actor VARCHAR(2048) NOT NULL,
  PRIMARY KEY (project, name, seq),
  FOREIGN KEY (project, name) REFERENCES custody_keys (project, name)
);
