"""Reads of the 15-minute service circle: coverage figures, map layers and recommendations.

Coverage is always computed for the whole district, because residents walk across
subdistrict boundaries: a place just over the line serves them too. A user's figures
are then the district's figures restricted to the regions in their scope.

Two caches keep the pages quick, both per process: the loaded walking network (keyed
by its file path and modification time) and the last few district computations
(keyed by the filters and a stamp of the data they read).
"""
