CREATE FUNCTION promo_draw.normalize_code(code text) RETURNS text
	LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_code text := upper(code);
BEGIN
	IF v_code = '' THEN
		RAISE EXCEPTION 'a promotion code must not be empty' USING ERRCODE = 'invalid_parameter_value';
	ELSIF length(v_code) > 64 THEN
		RAISE EXCEPTION 'a promotion code must be at most 64 characters long'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('The code given is %s characters long.', length(v_code));
	ELSIF v_code !~ '^[A-Z0-9][A-Z0-9_-]*$' THEN
		RAISE EXCEPTION 'a promotion code may hold only letters, digits, "_" and "-"'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('The code given was %s; it must also start with a letter or digit.', quote_literal(code)),
			      HINT = 'Codes are case-insensitive: they are stored in upper case.';
	END IF;
	RETURN v_code;
END
$$;
COMMENT ON FUNCTION promo_draw.normalize_code(text) IS
	'a promotion code in upper case, or an error if it is empty, too long or has odd characters';
