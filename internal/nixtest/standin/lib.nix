# The subset of nixpkgs' lib that dbprep's nix/ uses: makeOverridable.
rec {
  # makeOverridable f args: f args, with .override to call f again with
  # changed arguments (an attrset, or a function of the old arguments).
  makeOverridable = f: origArgs:
    let
      result = f origArgs;
      overrideWith = newArgs: origArgs // (if builtins.isFunction newArgs then newArgs origArgs else newArgs);
    in
    if builtins.isAttrs result then result // { override = newArgs: makeOverridable f (overrideWith newArgs); }
    else if builtins.isFunction result then
      { __functor = _self: result; override = newArgs: makeOverridable f (overrideWith newArgs); }
    else result;
}
