-- Project tokens (docs/origin.md): only the SHA-256 of each secret is stored.

CREATE TABLE project_tokens (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  project VARCHAR(128) NOT NULL,
  operations VARCHAR(256) NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
  secret_sha256 CHAR(64) NOT NULL,
  revoked_at TIMESTAMP WITH TIME ZONE
);

CREATE INDEX project_tokens_project ON project_tokens (project);
