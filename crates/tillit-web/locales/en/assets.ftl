# Information assets
