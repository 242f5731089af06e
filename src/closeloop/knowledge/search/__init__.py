"""Finding articles (知识检索): Chinese segmentation and the telecom lexicon, BM25F, sentence
embeddings, the topic bridge, the in-memory index that fuses them, and keeping that index
current with the live articles (`live`)."""
