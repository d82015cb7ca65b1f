-- What an initiative does to its linked assets (SPEC §3 "Initiatives that act on assets"): a replacement replaces
-- them on its date, an upgrade upgrades their operating system, a project only refers to them. Existing
-- initiatives keep today's meaning (linked assets are for reference) until someone says otherwise.
ALTER TABLE initiatives
  ADD COLUMN kind text NOT NULL DEFAULT 'project' CHECK (kind IN ('replacement', 'upgrade', 'project'));
