/*
 * Settings kept in the database, so that they apply to every connection
 * at once, pooled ones included, with no reload and no library loaded
 * first: max_playthrough (set_max_playthrough).
 */
CREATE TABLE promo_draw.setting (
	name text PRIMARY KEY CHECK (name IN ('max_playthrough')),
	value numeric NOT NULL,
	set_by text NOT NULL DEFAULT current_user,
	set_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE promo_draw.setting IS
	'settings of promo_draw kept in the database: they apply to every connection at once';
