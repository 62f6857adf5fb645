"""What the core decides once for every platform: what is reviewed, where and on which trigger,
what a shared review may carry, and how often one person may ask. Its modules share no
fixture of their own."""
