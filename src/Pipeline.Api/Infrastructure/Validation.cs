using System.ComponentModel.DataAnnotations;
using Pipeline.Api.Rules;

namespace Pipeline.Api.Infrastructure;

/// <summary>A probability: 0.00 to 100.00 with at most two decimals (stored exactly).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class PercentageAttribute() : ValidationAttribute("{0} must be between 0 and 100 with at most two decimals.")
{
    public override bool IsValid(object? value) => value is not decimal d || Probability.IsValid(d);
}

/// <summary>An amount of money: not negative, at most two decimals (stored exactly, in cents).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class MoneyAttribute() : ValidationAttribute("{0} must be between 0 and 10,000,000,000 with at most two decimals.")
{
    public override bool IsValid(object? value) => value is not decimal d || Money.IsValid(d);
}

/// <summary>An event type: a dotted lower-case name such as <c>quote.issued</c> (also the schema's pattern).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class EventTypeAttribute : RegularExpressionAttribute
{
    public EventTypeAttribute(string member) : base(AutomationPolicy.EventTypePattern) =>
        ErrorMessage = $"{member} must be a dotted lower-case name such as quote.issued.";
}

/// <summary>An identifier compared byte for byte: no leading or trailing white space, no control or format character.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class IdentifierAttribute()
    : ValidationAttribute("{0} must not start or end with white space, nor contain control or invisible characters.")
{
    public override bool IsValid(object? value) => value is not string s || Identifiers.IsValid(s);
}

/// <summary>A name people read: not blank, no control or invisible character (see <see cref="Names"/>).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class DisplayTextAttribute()
    : ValidationAttribute("{0} must show something: not blank, with no control or invisible characters.")
{
    public override bool IsValid(object? value) => value is not string s || Names.IsValid(s);
}
