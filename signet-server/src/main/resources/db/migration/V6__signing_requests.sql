-- Signing requests waiting for approval, their requesters and their votes. A request's revision is
-- the compare-and-set guard of every transition; votes are appended, never changed.

CREATE TABLE signing_requests (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  project VARCHAR(128) NOT NULL,
  rule_name VARCHAR(256) NOT NULL,
  rule_hash VARCHAR(128) NOT NULL,
  rule_operations VARCHAR(256) NOT NULL,
  rule_keys VARCHAR(4096) NOT NULL,
  operation VARCHAR(32) NOT NULL,
  key_name VARCHAR(128) NOT NULL,
  subject_digest VARCHAR(256) NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
  approval_role VARCHAR(128) NOT NULL,
  approval_quorum INTEGER NOT NULL,
  approval_expires_ms BIGINT NOT NULL,
  grant_ttl_ms BIGINT,
  grant_max_signatures INTEGER,
  policy_version CHAR(71) NOT NULL,
  status VARCHAR(16) NOT NULL,
  revision BIGINT NOT NULL
);

CREATE INDEX signing_requests_project ON signing_requests (project, status);

CREATE TABLE signing_request_requesters (
  request_id VARCHAR(64) NOT NULL,
  seq INTEGER NOT NULL,
  kind VARCHAR(16) NOT NULL,
  issuer VARCHAR(2048) NOT NULL,
  subject VARCHAR(2048) NOT NULL,
  PRIMARY KEY (request_id, seq),
  FOREIGN KEY (request_id) REFERENCES signing_requests (id)
);

CREATE TABLE signing_request_votes (
  request_id VARCHAR(64) NOT NULL,
  seq INTEGER NOT NULL,
  kind VARCHAR(16) NOT NULL,
  issuer VARCHAR(2048) NOT NULL,
  subject VARCHAR(2048) NOT NULL,
  verdict VARCHAR(16) NOT NULL,
  vote_comment VARCHAR(4096) NOT NULL,
  voted_at TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (request_id, seq),
  FOREIGN KEY (request_id) REFERENCES signing_requests (id)
);
