# Display names of taxonomy terms: <taxonomy in singular>-<slug>.

topic-ai-governance = AI governance
topic-global-south = Global South
topic-compute = Compute
topic-export-controls = Export controls
topic-industrial-policy = Industrial policy
topic-open-source = Open source
topic-multilateralism = Multilateralism
topic-startups = Start-ups

region-cn = China
region-us = United States
region-shanghai = Shanghai
region-global = Global
