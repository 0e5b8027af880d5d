-- The durable audit log (docs/audit-log.md). Portable between H2 (MODE=PostgreSQL) and
-- PostgreSQL: plain types only. Every append locks the single audit_state row (SELECT ... FOR
-- UPDATE), so appends from all server processes sharing the database are serialized; the primary
-- keys on leaf and node positions are a second guard: two writers can never both commit index n.

-- Leaves: the exact bytes hashed (an AuditEvent's canonical JSON) and their RFC 6962 leaf hash.
CREATE TABLE audit_leaves (
  leaf_index BIGINT NOT NULL PRIMARY KEY,
  leaf BYTEA NOT NULL,
  leaf_hash BYTEA NOT NULL
);

-- Complete subtrees (level, index) covering leaves [index * 2^level, (index + 1) * 2^level).
CREATE TABLE audit_nodes (
  tree_level SMALLINT NOT NULL,
  node_index BIGINT NOT NULL,
  hash BYTEA NOT NULL,
  PRIMARY KEY (tree_level, node_index)
);

-- Every checkpoint the log signed and committed, by tree size (one per size: no fork).
CREATE TABLE audit_checkpoints (
  tree_size BIGINT NOT NULL PRIMARY KEY,
  note VARCHAR(8192) NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- The log key: Ed25519, sealed under the master key, created by the first process to start.
CREATE TABLE audit_key (
  id INTEGER NOT NULL PRIMARY KEY,
  origin VARCHAR(255) NOT NULL,
  sealed BYTEA NOT NULL,
  vkey VARCHAR(1024) NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- The single log-state row every append locks: the size and checkpoint of the committed tree.
-- checkpoint is NULL until the first process signs the empty tree.
CREATE TABLE audit_state (
  id INTEGER NOT NULL PRIMARY KEY,
  tree_size BIGINT NOT NULL,
  checkpoint VARCHAR(8192)
);

INSERT INTO audit_state (id, tree_size, checkpoint) VALUES (1, 0, NULL);
