CREATE FUNCTION promo_draw.digest_text(value text) RETURNS bytea
	LANGUAGE sql STABLE PARALLEL SAFE
	RETURN CASE WHEN value IS NULL THEN int4send(-1)
	            ELSE int4send(octet_length(convert_to(value, 'UTF8'))) || convert_to(value, 'UTF8') END;
COMMENT ON FUNCTION promo_draw.digest_text(text) IS
	'a text as a sealed draw''s entry digest takes it: int4 length and UTF-8 bytes, NULL as length -1';
