-- Grants given by approvals. used is only ever changed by one conditional increment
-- (used < max_signatures, not expired, not revoked), so it never exceeds max_signatures.

CREATE TABLE grants (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  project VARCHAR(128) NOT NULL,
  rule_name VARCHAR(256) NOT NULL,
  rule_hash VARCHAR(128) NOT NULL,
  key_names VARCHAR(4096) NOT NULL,
  operations VARCHAR(256) NOT NULL,
  request_id VARCHAR(64) NOT NULL,
  issued_at TIMESTAMP WITH TIME ZONE NOT NULL,
  expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
  max_signatures INTEGER NOT NULL,
  used INTEGER NOT NULL,
  revoked_at TIMESTAMP WITH TIME ZONE,
  CHECK (used >= 0 AND used <= max_signatures)
);

CREATE INDEX grants_rule ON grants (project, rule_name, rule_hash);
