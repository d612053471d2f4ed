# Informationsklassning, skyddskrav och självskattning
