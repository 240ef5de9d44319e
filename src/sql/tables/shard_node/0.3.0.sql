CREATE TABLE promo_draw.shard_node (
	one boolean PRIMARY KEY DEFAULT true CHECK (one),
	node integer NOT NULL CHECK (node >= 0),
	nodes integer NOT NULL CHECK (nodes >= 1 AND node < nodes),
	configured_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE promo_draw.shard_node IS
	'empty on a single node; on a shard of a sharded deployment its node number and the number of nodes';
