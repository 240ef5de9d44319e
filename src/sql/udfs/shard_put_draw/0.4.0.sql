CREATE FUNCTION promo_draw.shard_put_draw(definition jsonb) RETURNS bigint
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v promo_draw.draw%ROWTYPE := jsonb_populate_record(NULL::promo_draw.draw, definition->'draw');
	v_secret promo_draw.draw_secret%ROWTYPE :=
		jsonb_populate_record(NULL::promo_draw.draw_secret, definition->'secret');
	v_have promo_draw.draw%ROWTYPE;
BEGIN
	IF v.draw_id IS NULL OR v_secret.draw_id IS DISTINCT FROM v.draw_id THEN
		RAISE EXCEPTION 'a draw definition needs its draw row and its secrets' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT * INTO v_have FROM promo_draw.draw d WHERE d.draw_id = v.draw_id FOR UPDATE;
	IF NOT FOUND THEN
		BEGIN
			INSERT INTO promo_draw.draw OVERRIDING SYSTEM VALUE SELECT v.*;
			INSERT INTO promo_draw.draw_secret SELECT v_secret.*;
			INSERT INTO promo_draw.partition_mark (draw_id, partition)
			SELECT v.draw_id, p::integer FROM jsonb_array_elements_text(definition->'partitions') p;
		EXCEPTION WHEN not_null_violation OR check_violation OR invalid_text_representation THEN
			-- a definition that is not what shard_draw_definition gives
			RAISE EXCEPTION 'the definition of draw % is incomplete or invalid', v.draw_id
				USING ERRCODE = 'invalid_parameter_value', DETAIL = SQLERRM,
				      HINT = 'Copy definitions with promo_draw_proxy, from shard_draw_definition on node 0.';
		END;
	ELSIF (v_have.seed_hash, v_have.name, v_have.created_at) IS DISTINCT FROM (v.seed_hash, v.name, v.created_at)
	      OR NOT EXISTS (SELECT FROM promo_draw.draw_secret s WHERE s.draw_id = v.draw_id
	                     AND s.seed IS NOT DISTINCT FROM v_secret.seed AND s.ref_key = v_secret.ref_key) THEN
		RAISE EXCEPTION 'draw % on this node is another draw', v.draw_id
			USING ERRCODE = 'PD050',
			      DETAIL = 'A draw of that id exists here with another name, seed or creation time.',
			      HINT = 'Every node must be created empty and take its definitions from the proxy.';
	END IF;
	INSERT INTO promo_draw.prize OVERRIDING SYSTEM VALUE
	SELECT p.* FROM jsonb_populate_recordset(NULL::promo_draw.prize, definition->'prizes') p
	WHERE NOT EXISTS (SELECT FROM promo_draw.prize q WHERE q.prize_id = p.prize_id);
	RETURN v.draw_id;
END
$$;
COMMENT ON FUNCTION promo_draw.shard_put_draw(jsonb) IS
	'copy a draw''s definition from node 0 (draw, secrets, prizes and partitions missing here); returns its draw_id';
