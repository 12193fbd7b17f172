"""Okabe-Ito: a palette that colour-blind readers can tell apart."""
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
BLUE, ORANGE, GREEN, PINK, SKY, VERMILION, YELLOW, BLACK = OKABE_ITO
GREY = "#6b6b6b"
