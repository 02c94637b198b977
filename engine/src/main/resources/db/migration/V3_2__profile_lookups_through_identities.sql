-- Profiles are found by email or phone through customer_identity (primary key kind + value); the two indexes
-- on customer_profile only slowed every profile write (H2 rewrites each index entry on every row update).
drop index customer_profile_email;
drop index customer_profile_phone;
