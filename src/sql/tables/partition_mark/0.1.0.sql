CREATE TABLE promo_draw.partition_mark (
	draw_id bigint NOT NULL,
	partition integer NOT NULL CHECK (partition >= 0),
	last_offset bigint,
	closed_at timestamptz,
	PRIMARY KEY (draw_id, partition)
);
COMMENT ON TABLE promo_draw.partition_mark IS
	'per draw and ingest partition: last source offset applied, and when the partition reported the draw time';
