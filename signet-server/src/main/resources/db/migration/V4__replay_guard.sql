-- OIDC token ids already used (docs/origin.md): the primary key makes the first insert of an
-- (issuer, jti) win across every server process. The key is SHA-256 of the pair, so its length is
-- bounded whatever the issuer and jti; rows past expires_at are deleted in small batches.

CREATE TABLE replay_guard (
  token_key CHAR(64) NOT NULL PRIMARY KEY,
  expires_at TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX replay_guard_expires ON replay_guard (expires_at);
