CREATE VIEW promo_draw.entry_reveal WITH (security_barrier) AS
SELECT e.draw_id, e.customer_id, e.tickets, e.best, e.opted_in, e.entry_ref
FROM promo_draw.entry e
JOIN promo_draw.draw d ON d.draw_id = e.draw_id
WHERE d.status = 'drawn' OR (d.sealed AND d.status = 'sealed');
COMMENT ON VIEW promo_draw.entry_reveal IS
	'customers'' ticket counts and best tickets in drawn draws, and the frozen ticket counts of sealed draws';
