CREATE VIEW promo_draw.instant_win_summary AS
SELECT w.instant_win_id, w.name, w.starts_at, w.ends_at, w.shuffled_at,
       count(p.unit) AS units,
       count(p.prize) AS prize_units,
       count(p.customer_id) AS claimed,
       count(p.customer_id) FILTER (WHERE p.prize IS NOT NULL) AS won,
       count(p.prize) FILTER (WHERE p.customer_id IS NULL) AS prizes_left
FROM promo_draw.instant_win w
LEFT JOIN promo_draw.instant_prize p ON p.instant_win_id = w.instant_win_id
GROUP BY w.instant_win_id;
COMMENT ON VIEW promo_draw.instant_win_summary IS
	'one row per instant win: units, prize units, units claimed, prizes won and left';
