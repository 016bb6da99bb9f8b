"""firma keeps no tables: certificates are stored with what they signed."""
