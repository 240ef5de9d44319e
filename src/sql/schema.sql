-- promo_draw install script, built by the Makefile from the pieces in src/sql/.

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION promo_draw CASCADE" to load this file. \quit

COMMENT ON SCHEMA promo_draw IS
	'promo_draw: prize draws, stake-to-ticket rules, promotion codes, instant wins and playthrough bonuses';
