"""The casebook: evaluated cases collected from many teams, and the analysis that finds system
problems in them (blocks, collisions between laws, routes, cases without a route, the kassabon,
missing facts). See docs/casebook.md."""
