# Informationstillgångar
