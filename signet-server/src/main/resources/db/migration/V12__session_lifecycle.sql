-- The project token that authenticated a session's exchange (null for OIDC or certificate only),
-- so revoking the token ends its sessions; expired sessions are deleted in batches by expires_at
-- (index sessions_expires of V11). Pending signing requests past their expiry are found by the
-- sweeper through signing_requests_due.

ALTER TABLE sessions ADD COLUMN project_token_id VARCHAR(64);

CREATE INDEX sessions_project_token ON sessions (project_token_id);

CREATE INDEX signing_requests_due ON signing_requests (status, expires_at);
