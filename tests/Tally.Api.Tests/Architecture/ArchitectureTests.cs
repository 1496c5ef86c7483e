using ArchUnitNET.Domain;
using ArchUnitNET.Fluent.Slices;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnitV3;
using static ArchUnitNET.Fluent.ArchRuleDefinition;
using ArchitectureModel = ArchUnitNET.Domain.Architecture;

namespace Tally.Api.Tests.Architecture;

/// <summary>
/// Dependency rules for Tally.Api, checked on its compiled IL with ArchUnitNET; a failure names
/// the offending types. Only what reaches the IL counts: an unused <c>using</c> or a <c>const</c>
/// that the compiler inlined is no dependency here.
/// </summary>
public sealed class ArchitectureTests
{
    private const string Features = "Tally.Api.Features";
    private const string Infrastructure = "Tally.Api.Infrastructure";

    // Loading the assembly is the slow part: once for all the rules.
    private static readonly ArchitectureModel TallyApi =
        new ArchLoader().LoadAssemblies(typeof(Program).Assembly).Build();

    [Fact]
    public void Features_DoNotDependOnEachOtherInACycle()
    {
        // One slice per folder under Features/, its sub-namespaces included. A one-way use
        // (Customers -> Users) is fine; Customers -> Invoices -> ... -> Customers is not.
        // Not Slices().Matching("Tally.Api.Features.(*).."): in ArchUnitNET 0.13.5 that makes each
        // sub-namespace a slice of its own, which misses a cycle that goes through one
        // (TNG/ArchUnitNET#208, #468).
        var slices = new SliceRuleCreator();
        slices.SetSliceAssignment(new SliceAssignment(FeatureFolder, $"by folder under {Features}"));

        new GivenSlices(slices).Should().BeFreeOfCycles().Check(TallyApi);
    }

    [Fact]
    public void Infrastructure_DoesNotDependOnFeatures()
    {
        Types().That().ResideInNamespaceOrBelow(Infrastructure)
            .Should().NotDependOnAny(Types().That().ResideInNamespaceOrBelow(Features))
            .Check(TallyApi);
    }

    // Tally.Api.Features.Invoices.Pdf -> "Invoices"; types outside Features are left out.
    private static SliceIdentifier FeatureFolder(IType type)
    {
        var ns = type.Namespace.FullName;
        if (!ns.StartsWith(Features + ".", StringComparison.Ordinal))
        {
            return SliceIdentifier.Ignore();
        }

        return SliceIdentifier.Of(ns[(Features.Length + 1)..].Split('.')[0]);
    }
}
