-- a result row, with the token of the run that staged it
CREATE TABLE promo_draw.staged_result (
	LIKE promo_draw.result INCLUDING CONSTRAINTS INCLUDING INDEXES,
	token uuid NOT NULL
);
COMMENT ON TABLE promo_draw.staged_result IS
	'a sharded draw''s results for this shard''s customers, computed by the proxy and not yet published';
