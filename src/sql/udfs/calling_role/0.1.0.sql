CREATE FUNCTION promo_draw.calling_role() RETURNS regrole
	AS 'MODULE_PATHNAME', 'calling_role'
	LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION promo_draw.calling_role() IS
	'the role calling promo_draw, as seen from inside its SECURITY DEFINER functions';
