"""Help requests: homework, writing and exam help, from request to delivery."""
