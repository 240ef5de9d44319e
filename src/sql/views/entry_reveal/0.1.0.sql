CREATE VIEW promo_draw.entry_reveal WITH (security_barrier) AS
SELECT e.draw_id, e.customer_id, e.tickets, e.best, e.opted_in
FROM promo_draw.entry e
JOIN promo_draw.draw d ON d.draw_id = e.draw_id
WHERE d.status = 'drawn';
COMMENT ON VIEW promo_draw.entry_reveal IS
	'customers'' ticket counts and best tickets in drawn draws';
