-- Session tokens of CI callers (docs/origin.md#sessions): only the SHA-256 of each secret is
-- stored. reserved is only ever changed by one conditional increment (reserved + k <= max_uses,
-- not expired, not revoked), so the uses handed out to all processes never exceed max_uses.

CREATE TABLE sessions (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  project VARCHAR(128) NOT NULL,
  secret_sha256 CHAR(64) NOT NULL,
  origin_json TEXT NOT NULL,
  certificate_sha256 CHAR(64),
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
  max_uses INTEGER NOT NULL,
  reserved INTEGER NOT NULL,
  revoked_at TIMESTAMP WITH TIME ZONE,
  CHECK (reserved >= 0 AND reserved <= max_uses)
);

CREATE INDEX sessions_expires ON sessions (expires_at);
