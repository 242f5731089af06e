"""Knowledge base (知识库): articles, workflow, Chinese search, agent assist, self-service bot."""
