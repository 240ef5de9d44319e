CREATE VIEW promo_draw.customer_result AS
SELECT r.draw_id, d.name AS draw_name, r.customer_id, r.place, r.outcome,
       CASE r.outcome WHEN 'won' THEN p.name WHEN 'default' THEN d.default_prize END AS prize,
       p.value AS prize_value, p.payload AS prize_payload, r.ticket, d.drawn_at
FROM promo_draw.result r
JOIN promo_draw.draw d ON d.draw_id = r.draw_id
LEFT JOIN promo_draw.prize p ON p.prize_id = r.prize_id;
COMMENT ON VIEW promo_draw.customer_result IS
	'every draw result with the draw and prize it names; filter by customer_id';
