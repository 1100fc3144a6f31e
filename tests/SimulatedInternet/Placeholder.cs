namespace SimulatedInternet;

internal static class Placeholder;
