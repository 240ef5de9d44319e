-- Included at the end of suites that create draws: delete every draw whose
-- name is LIKE :'draws', with all it holds, to leave the database as it was.
-- A ready draw's prizes are final (prize_frozen): the suites clean up with
-- triggers off, and so delete what foreign keys would have deleted.
SET session_replication_role = replica;
DELETE FROM promo_draw.outcome_delivery WHERE draw_id IN (SELECT draw_id FROM promo_draw.draw WHERE name LIKE :'draws');
DELETE FROM promo_draw.notification WHERE draw_id IN (SELECT draw_id FROM promo_draw.draw WHERE name LIKE :'draws');
DELETE FROM promo_draw.result WHERE draw_id IN (SELECT draw_id FROM promo_draw.draw WHERE name LIKE :'draws');
DELETE FROM promo_draw.entry WHERE draw_id IN (SELECT draw_id FROM promo_draw.draw WHERE name LIKE :'draws');
DELETE FROM promo_draw.partition_mark WHERE draw_id IN (SELECT draw_id FROM promo_draw.draw WHERE name LIKE :'draws');
DELETE FROM promo_draw.prize WHERE draw_id IN (SELECT draw_id FROM promo_draw.draw WHERE name LIKE :'draws');
DELETE FROM promo_draw.draw_secret WHERE draw_id IN (SELECT draw_id FROM promo_draw.draw WHERE name LIKE :'draws');
DELETE FROM promo_draw.draw WHERE name LIKE :'draws';
RESET session_replication_role;
