CREATE FUNCTION promo_draw.shard_put_draw(definition jsonb) RETURNS bigint
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v promo_draw.draw%ROWTYPE := jsonb_populate_record(NULL::promo_draw.draw, definition->'draw');
	v_have promo_draw.draw%ROWTYPE;
BEGIN
	IF v.draw_id IS NULL THEN
		RAISE EXCEPTION 'a draw definition needs its draw row' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT * INTO v_have FROM promo_draw.draw d WHERE d.draw_id = v.draw_id FOR UPDATE;
	IF NOT FOUND THEN
		INSERT INTO promo_draw.draw OVERRIDING SYSTEM VALUE SELECT v.*;
		INSERT INTO promo_draw.partition_mark (draw_id, partition)
		SELECT v.draw_id, p::integer FROM jsonb_array_elements_text(definition->'partitions') p;
	ELSIF (v_have.seed, v_have.name, v_have.created_at) IS DISTINCT FROM (v.seed, v.name, v.created_at) THEN
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
	'copy a draw''s definition from node 0 (draw, prizes and partitions missing here); returns its draw_id';
