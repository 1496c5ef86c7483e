namespace Tally.StripeEmulator;

public static class EmulatorProgram
{
    public static int Main(string[] args)
    {
        Console.WriteLine("Tally Stripe emulator: not implemented yet");
        return 0;
    }
}
