# Import och export av förteckningarna
