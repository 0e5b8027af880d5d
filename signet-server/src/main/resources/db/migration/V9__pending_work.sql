-- What a request waiting for approval asks to sign (the validated request body), and the signed
-- response once the quorum is reached. The body holds digests or the pipeline/attestation to sign,
-- never a token. The first insert per request id wins; a result is stored once
-- (UPDATE ... WHERE result IS NULL), so two processes completing the same approval sign once.

CREATE TABLE pending_work (
  request_id VARCHAR(64) NOT NULL PRIMARY KEY,
  kind VARCHAR(16) NOT NULL,
  body BYTEA NOT NULL,
  result TEXT,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  completed_at TIMESTAMP WITH TIME ZONE
);
