
/*
 * Privileges, as in promo_draw: PUBLIC gets verify_draw, digest_text and code_label;
 * the README gives the GRANTs for application and reporting roles.
 */
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA promo_draw FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA promo_draw_proxy FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
	promo_draw.verify_draw(bigint),
	promo_draw.digest_text(text),
	promo_draw.code_label(text, bigint)
TO PUBLIC;
