-- Included at the end of suites that create draws: delete every draw whose
-- name is LIKE :'draws', with all it holds, to leave the database as it was.
DELETE FROM promo_draw.outcome_delivery WHERE draw_id IN (SELECT draw_id FROM promo_draw.draw WHERE name LIKE :'draws');
DELETE FROM promo_draw.notification WHERE draw_id IN (SELECT draw_id FROM promo_draw.draw WHERE name LIKE :'draws');
DELETE FROM promo_draw.result WHERE draw_id IN (SELECT draw_id FROM promo_draw.draw WHERE name LIKE :'draws');
DELETE FROM promo_draw.entry WHERE draw_id IN (SELECT draw_id FROM promo_draw.draw WHERE name LIKE :'draws');
DELETE FROM promo_draw.partition_mark WHERE draw_id IN (SELECT draw_id FROM promo_draw.draw WHERE name LIKE :'draws');
DELETE FROM promo_draw.prize WHERE draw_id IN (SELECT draw_id FROM promo_draw.draw WHERE name LIKE :'draws');
DELETE FROM promo_draw.draw WHERE name LIKE :'draws';
