-- Admin-API principals (humans: admins, approvers) and their sga_ tokens, stored as SHA-256 of
-- the secret. The principal "admin" holds role admin; its credential is the bootstrap admin token
-- of admin_tokens (V1), issued on the first start.

CREATE TABLE principals (
  name VARCHAR(128) NOT NULL PRIMARY KEY,
  roles VARCHAR(4096) NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  disabled_at TIMESTAMP WITH TIME ZONE
);

CREATE TABLE principal_tokens (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  principal VARCHAR(128) NOT NULL,
  secret_sha256 CHAR(64) NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
  revoked_at TIMESTAMP WITH TIME ZONE,
  FOREIGN KEY (principal) REFERENCES principals (name)
);

CREATE INDEX principal_tokens_principal ON principal_tokens (principal);

INSERT INTO principals (name, roles, created_at) VALUES ('admin', 'admin', CURRENT_TIMESTAMP);
